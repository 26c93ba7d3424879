/**
 * What a new password must be, on both ends (the admin desk's form, the server's routes): at least
 * 12 characters, not only spaces, no control characters, and not a common password or one of the
 * usual words dressed up with digits and symbols ("Password2024!", "Hospital123456"). The list is
 * shipped with the project (no lookup leaves the hospital).
 */
import { z } from 'zod';

export const PASSWORD_MIN = 12;

/** Common passwords of 12 characters or more, as leaked lists show them (lower-case). */
const COMMON = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456789123',
  '123123123123',
  '111111111111',
  '000000000000',
  '121212121212',
  '123321123321',
  '987654321098',
  '098765432109',
  '112233445566',
  'qwertyuiopas',
  'qwertyuiop12',
  'qwertyuiop123',
  'qwerty123456',
  'qwertyqwerty',
  '1qaz2wsx3edc',
  '1q2w3e4r5t6y',
  'q1w2e3r4t5y6',
  'asdfghjkl123',
  'zxcvbnm12345',
  'asdfasdfasdf',
  'azertyuiop12',
  'password1234',
  'password12345',
  'password123456',
  'passwordpassword',
  'password1!password',
  'iloveyou1234',
  'iloveyouiloveyou',
  'letmein12345',
  'welcome12345',
  'welcome123456',
  'welcomewelcome',
  'changeme1234',
  'changeme12345',
  'administrator',
  'administrator1',
  'admin1234567',
  'adminadmin12',
  'trustno1trustno1',
  'football1234',
  'baseball1234',
  'basketball12',
  'sunshine1234',
  'princess1234',
  'superman1234',
  'batman123456',
  'starwars1234',
  'computer1234',
  'internet1234',
  'whatever1234',
  'michael12345',
  'jennifer1234',
  'abcdefghijkl',
  'abcdefgh1234',
  'abc123abc123',
  'abcd1234abcd',
  'aaaaaaaaaaaa',
  'monkey123456',
  'dragon123456',
  'master123456',
  'shadow123456',
  'liverpool123',
  'chelsea12345',
  'arsenal12345',
  'manchester12',
  'hospital1234',
  'hospital12345',
  'hospital2024',
  'hospital2025',
  'hospital2026',
  'nurse1234567',
  'doctor123456',
  'pharmacy1234',
  'reception123',
  'medicine1234',
  'healthcare12',
  'summer202020',
  'winter202020',
  'spring202020',
  'autumn202020',
  'january12345',
  'december1234',
  'jesus1234567',
  'godisgood123',
  'blessed12345',
  'allahuakbar1',
]);

/** Words that stay guessable whatever digits and symbols surround them. */
const BASE_WORDS = new Set([
  'password',
  'passw',
  'pass',
  'welcome',
  'qwerty',
  'qwertyuiop',
  'letmein',
  'iloveyou',
  'changeme',
  'admin',
  'administrator',
  'hospital',
  'doctor',
  'nurse',
  'pharmacy',
  'reception',
  'secret',
  'login',
  'monkey',
  'dragon',
  'football',
  'sunshine',
  'princess',
  'abc',
  'abcdef',
  'asdf',
  'zxcvbnm',
  'test',
  'summer',
  'winter',
  'spring',
  'autumn',
  'january',
  'december',
  'master',
  'default',
  'hms',
  'user',
]);

/** Why `password` may not be chosen (by `username`, when known), as a sentence; null when it may. */
export function passwordProblem(password: string, username?: string): string | null {
  if ([...password].length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if (password.trim() === '') return 'must not be only spaces';
  if (/\p{Cc}/u.test(password)) return 'must not contain control characters';
  const lower = password.normalize('NFKC').toLowerCase();
  if (COMMON.has(lower)) return 'is one of the most common passwords: choose another';
  const letters = lower.replace(/[^\p{L}]/gu, '');
  if (letters === '' || BASE_WORDS.has(letters))
    return 'is a common word with digits or symbols around it: choose something less guessable';
  if (new Set(lower).size <= 2) return 'repeats one or two characters: choose something less guessable';
  if (username && lower.includes(username.toLowerCase()) && username.length >= 3)
    return 'must not contain the user name';
  return null;
}

/** A new password as every form and route takes it. */
export const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(256, 'must be at most 256 characters')
  .superRefine((value, ctx) => {
    if ([...value].length < PASSWORD_MIN) return; // said once, by `min`
    const problem = passwordProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
