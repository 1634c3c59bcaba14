/** The signed-in key lives in this tab only (sessionStorage): gone when the tab closes or on sign-out. */
const KEY = 'reelforge.key';

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  signIn: (key: string): void => sessionStorage.setItem(KEY, key),
  signOut: (): void => sessionStorage.removeItem(KEY),
};
