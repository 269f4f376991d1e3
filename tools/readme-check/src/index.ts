export {
  checkReadme,
  checkSnippet,
  prepareReadme,
  type ReadmeCheckResult,
  runFailure,
} from './check-readme.js';
export {
  type EnvironmentContext,
  EnvironmentUnavailable,
  type QuickstartEnvironment,
  quickstartEnvironments,
  startQuickstartEnvironment,
} from './quickstart-environments.js';
export { pointAtReadme } from './readme-lines.js';
export {
  DEFAULT_SNIPPET_TIMEOUT_MS,
  type RunSnippetOptions,
  runSnippet,
  type SnippetRun,
} from './run-snippet.js';
export {
  type BlockLanguage,
  findRunnableBlocks,
  ReadmeFormatError,
  RUNNABLE_MARKER,
  type RunnableBlock,
} from './runnable-blocks.js';
export { type Snippet, type SnippetDirectory, writeSnippets } from './snippet-files.js';
export { type TypecheckResult, typecheckSnippets } from './typecheck-snippets.js';
export {
  packageOfBlock,
  type Readme,
  repoRoot,
  type WorkspacePackage,
  workspacePackages,
  workspaceReadmes,
} from './workspace.js';
