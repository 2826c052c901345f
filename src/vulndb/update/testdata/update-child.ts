/**
 * Runs one `updateDatabase` in its own process so a test can kill -9 it mid-update.
 * argv: <dbPath> <feeds as JSON>. Prints "started" once the update is under way.
 */
import { updateDatabase } from '../update-database.js';

const [dbPath, feedsJson] = process.argv.slice(2);
if (dbPath === undefined || feedsJson === undefined) throw new Error('usage: update-child <db> <feeds-json>');
process.stdout.write('started\n');
await updateDatabase({ dbPath, feeds: JSON.parse(feedsJson), fetch: { retries: 0, timeoutMs: 60_000 } });
process.stdout.write('finished\n');
