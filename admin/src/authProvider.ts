// react-admin's auth provider on the API's tokens (src/session.ts). Admins may do everything;
// users read the catalog (list and show) and nothing else, so react-admin leaves out every
// create, edit and delete button for them and refuses those pages.
import { HttpError, type AuthProvider } from 'react-admin';
import { currentUser, hasSession, reloadCurrentUser, signIn, signOut } from './session';

const READS = new Set(['list', 'show']);
const CATALOG = new Set(['movies', 'directors', 'genres']);

export const authProvider: AuthProvider = {
  async login({ username, password }: { username: string; password: string }) {
    try {
      await signIn(username, password);
    } catch (error) {
      // 401 invalid_credentials, 429 while a username is blocked: the API's own message.
      throw new Error(error instanceof Error ? error.message : 'Sign-in failed');
    }
  },
  logout: () => signOut(),
  async checkAuth() {
    if (!hasSession()) throw new Error('Please sign in');
  },
  async checkError(error: unknown) {
    if (error instanceof HttpError && error.status === 401) {
      await signOut();
      throw error;
    }
    // 403 (a role taken away): read the role again, so the buttons follow it.
    if (error instanceof HttpError && error.status === 403) await reloadCurrentUser();
  },
  async getIdentity() {
    const user = await currentUser();
    return { id: user.id, fullName: `${user.username} (${user.role})` };
  },
  getPermissions: async () => (await currentUser()).role,
  async canAccess({ action, resource }) {
    const { role } = await currentUser();
    if (role === 'admin') return true;
    return CATALOG.has(resource) && READS.has(action);
  },
};
