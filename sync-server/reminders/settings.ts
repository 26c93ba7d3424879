/** The hospital's reminder settings, from `system_settings` (admins change them; PCs see them). */
import type { RawQuery } from '../platform/database.ts';
import type { ReminderSettings } from './plan.ts';
import { isLanguage, type Language } from './templates.ts';

export interface MessageSettings extends ReminderSettings {
  clinic: string;
  language: Language;
}

export const REMINDER_SETTING_KEYS = {
  clinic: 'hospital.name',
  timeZone: 'locale.timezone',
  hoursBefore: 'appointments.reminder_hours',
  followUpHours: 'appointments.follow_up_hours',
  language: 'appointments.message_language',
} as const;

const positive = (v: string | undefined, fallback: number) => {
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
};

const validZone = (zone: string | undefined): string => {
  if (!zone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
};

export async function readMessageSettings(query: RawQuery): Promise<MessageSettings> {
  const rows = await query<{ key: string; value: string }>(
    `SELECT key, value FROM system_settings WHERE key = ANY($1) AND deleted_at IS NULL`,
    [Object.values(REMINDER_SETTING_KEYS)],
  );
  const get = (k: keyof typeof REMINDER_SETTING_KEYS) =>
    rows.find((r) => r.key === REMINDER_SETTING_KEYS[k])?.value;
  const language = get('language') ?? 'en';
  return {
    clinic: get('clinic')?.trim() || 'The hospital',
    timeZone: validZone(get('timeZone')),
    hoursBefore: positive(get('hoursBefore'), 24),
    followUpHours: positive(get('followUpHours'), 1),
    language: isLanguage(language) ? language : 'en',
  };
}
