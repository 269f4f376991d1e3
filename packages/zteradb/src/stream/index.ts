export {
  type AnswerEvent,
  AnswerReader,
  type AnswerState,
  type ZTeraDBCountResult,
  type ZTeraDBDeleteResult,
  type ZTeraDBInsertResult,
  type ZTeraDBRequestKind,
  type ZTeraDBResultOf,
  type ZTeraDBSingleResult,
  type ZTeraDBUpdateResult,
} from './answer-reader.js';
export { requestKindOf } from './request-kind.js';
