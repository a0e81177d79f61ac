// The business's team: users (admins and agents), their passwords and their sessions.
export { hashPassword, verifyPassword, generatePassword } from './passwords.ts';
export { checkLogin, currentUser } from './sessions.ts';
export { storedTokenSecret } from './token-secret.ts';
export type { AuthUser, LoginUser } from './sessions.ts';
export {
  listUsers,
  getUser,
  createUser,
  updateUser,
  newUserSchema,
  userPatchSchema,
  listAssignableAgents,
  findUserByEmail,
} from './users.ts';
export type { UserView, NewUser, UserPatch } from './users.ts';
