// The pure codecs of the e6data protocol: result chunks and metadata, the protobuf messages of the
// gRPC services, and the gRPC message prefix (docs/protocols/e6data.md).
export * from './grpc-frame.js';
export * from './messages.js';
export * from './results.js';
