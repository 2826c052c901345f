export { readDebControl, debDataEntries, readDebMember, parseDebMd5sums, parseDebConffiles, MAINTAINER_SCRIPTS, type DebControl, type DebEntry, type DebTarLimits, type ControlMember, type MaintainerScriptName } from './deb-file.js';
export { parseControlParagraph, fieldValue, renderParagraph, type ControlField } from './control-fields.js';
