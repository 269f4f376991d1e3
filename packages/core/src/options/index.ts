export {
  booleanOption,
  type DurationRule,
  deadlineOption,
  durationOption,
  integerOption,
  oneOfOption,
  textOption,
} from './option-checks.js';
