import { hashPassword, newPasswordProblem, verifyPassword } from '../../server/services/users/passwords';

describe('newPasswordProblem', () => {
  it('counts characters as people do: five emoji are five, short of ten', () => {
    expect(newPasswordProblem('😀😀😀😀😀')).toMatchObject({ key: 'users.errors.passwordLength' });
    expect(newPasswordProblem('😀😺🐱🐶🦊🐻🐼🐨🐯🦁')).toBeNull();
  });

  it('refuses the login inside it in any case, one character repeated and the passwords guessed first', () => {
    expect(newPasswordProblem('my Zhang.Wei 2026', 'zhang.wei')).toEqual({ key: 'users.errors.passwordHasLogin' });
    expect(newPasswordProblem('zz-top is great', 'zz')).toBeNull(); // a login under three characters is no word
    expect(newPasswordProblem('7777777777')).toEqual({ key: 'users.errors.passwordCommon' });
    expect(newPasswordProblem('Password123')).toEqual({ key: 'users.errors.passwordCommon' });
    expect(newPasswordProblem('correct horse battery', 'zhang.wei')).toBeNull();
  });
});

describe('hashPassword', () => {
  it("hashes with OWASP's argon2id cost (19 MiB, two passes) and verifies only the same password", async () => {
    const real = await hashPassword('correct horse battery');
    expect(real).toMatch(/^\$argon2id\$v=19\$m=19456,(t=2,p=1|p=1,t=2)\$/);
    expect(await verifyPassword(real, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(real, 'correct horse battery!')).toBe(false);
  });
});
