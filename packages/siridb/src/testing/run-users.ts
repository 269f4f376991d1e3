/**
 * Runs the user statements: `create user`, `alter user`, `drop user`, `grant` and `revoke`, with
 * the server's checks and messages (docs/protocols/siridb.md §5, §13).
 * @internal
 */
import type {
  AccessStatement,
  AlterUserStatement,
  CreateUserStatement,
  DropUserStatement,
} from './query-ast.js';
import type { QueryContext } from './query-context.js';
import { QueryFailure } from './query-failure.js';
import { ResponseWriter } from './response-writer.js';
import { Access, accessFromName, passwordError, TestUser, userNameError } from './users.js';

function success(message: string): ResponseWriter {
  return new ResponseWriter().openMap().value('success_msg').value(message);
}

function findUser(context: QueryContext, name: string): TestUser {
  const user = context.db.users.find((entry) => entry.name === name);
  if (user === undefined) throw new QueryFailure(`Cannot find user: '${name}'`);
  return user;
}

function checkPassword(password: string): void {
  const problem = passwordError(password);
  if (problem !== undefined) throw new QueryFailure(problem);
}

export function runCreateUser(context: QueryContext, statement: CreateUserStatement): ResponseWriter {
  context.check(Access.create);
  checkPassword(statement.password);
  const problem = userNameError(statement.name, context.db.users);
  if (problem !== undefined) throw new QueryFailure(problem);
  // a new user has no rights until granted some
  context.db.users.push(new TestUser(statement.name, statement.password, 0));
  return success(`Successfully created user '${statement.name}'.`);
}

export function runAlterUser(context: QueryContext, statement: AlterUserStatement): ResponseWriter {
  context.check(Access.alter);
  const user = findUser(context, statement.name);
  const { kind, value } = statement.change;
  if (kind === 'password') {
    checkPassword(value);
    user.password = value;
  } else {
    const problem = userNameError(value, context.db.users);
    if (problem !== undefined) throw new QueryFailure(problem);
    user.name = value;
  }
  return success(`Successfully updated user '${user.name}'.`);
}

export function runDropUser(context: QueryContext, statement: DropUserStatement): ResponseWriter {
  context.check(Access.drop);
  const users = context.db.users;
  const index = users.findIndex((user) => user.name === statement.name);
  if (index === -1) throw new QueryFailure(`User '${statement.name}' does not exist.`);
  users.splice(index, 1);
  return success(`Successfully dropped user '${statement.name}'.`);
}

/** `grant` adds the rights at once (open connections included); `revoke` removes them. */
export function runAccess(context: QueryContext, statement: AccessStatement): ResponseWriter {
  const grant = statement.kind === 'grant';
  context.check(grant ? Access.grant : Access.revoke);
  const bits = statement.access.reduce((all, name) => all | accessFromName(name), 0);
  const user = findUser(context, statement.user);
  if (grant) user.access |= bits;
  else user.access &= ~bits;
  if (statement.password !== undefined) {
    checkPassword(statement.password);
    user.password = statement.password;
  }
  return success(
    grant
      ? `Successfully granted permissions to user '${user.name}'.`
      : `Successfully revoked permissions from user '${user.name}'.`,
  );
}
