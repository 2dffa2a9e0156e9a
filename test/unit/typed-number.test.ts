import { typedWholeNumber } from '../../server/services/typed-number';

describe('typedWholeNumber', () => {
  it('takes ASCII and full-width digits, spaces around them ignored', () => {
    expect(typedWholeNumber('42')).toBe('42');
    expect(typedWholeNumber('４２')).toBe('42');
    expect(typedWholeNumber('\u3000１0 ')).toBe('10');
  });

  it('refuses anything but digits, and more digits than allowed', () => {
    for (const text of ['', ' ', '-1', '+1', '1.5', '１．５', '1e1', '0x10', '1 2', '٣', 'abc'])
      expect({ text, digits: typedWholeNumber(text) }).toEqual({ text, digits: null });
    expect(typedWholeNumber('100', 3)).toBe('100');
    expect(typedWholeNumber('1000', 3)).toBeNull();
  });
});
