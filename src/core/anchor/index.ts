// Anchoring: describing a passage so that it can be found again, and finding it again.
export { describeTarget, CONTEXT_LENGTH } from './describe';
export { Anchorer, type AnchorResult } from './anchorer';
export { normalize, type NormalizedText } from './normalize';
