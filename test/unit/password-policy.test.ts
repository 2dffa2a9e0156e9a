import { newPasswordProblem } from '../../server/services/users/passwords';

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
