// `pnpm bench` for @conn/e6data: the sections that need no server.
import { printEnvironment } from '@conn/bench-kit/report';
import { thriftSection } from './thrift-section.js';

console.log('@conn/e6data bench');
printEnvironment();
await thriftSection();
