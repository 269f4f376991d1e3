/**
 * `@conn/e6data`: an e6data driver on gRPC. Work in progress: the public surface grows here as
 * each part lands (see the package README).
 */
export * from './protocol/index.js';
