/**
 * The words of reminder and follow-up messages, per language (English and Swahili to start). They
 * name the hospital, the day and the time, and nothing clinical: an SMS can be read by anyone
 * holding the phone, so no diagnosis, doctor's specialty or reason for the visit, ever.
 */
import type { Channel, NotificationType } from './plan.ts';

export const LANGUAGES = ['en', 'sw'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface MessageFacts {
  clinic: string;
  /** The appointment's start. */
  at: Date;
  timeZone: string;
}

export interface Message {
  subject: string;
  text: string;
}

const LOCALE: Record<Language, string> = { en: 'en-GB', sw: 'sw-KE' };

const WORDS: Record<
  Language,
  Record<NotificationType, (f: { clinic: string; day: string; time: string }) => Message>
> = {
  en: {
    reminder: ({ clinic, day, time }) => ({
      subject: `Appointment reminder: ${day} at ${time}`,
      text: `${clinic}: a reminder of your appointment on ${day} at ${time}. If you cannot come, please call us to change it.`,
    }),
    follow_up: ({ clinic, day }) => ({
      subject: 'Thank you for your visit',
      text: `${clinic}: thank you for your visit on ${day}. If you have any questions about your care, please contact us.`,
    }),
  },
  sw: {
    reminder: ({ clinic, day, time }) => ({
      subject: `Kumbukumbu ya miadi: ${day} saa ${time}`,
      text: `${clinic}: kumbukumbu ya miadi yako tarehe ${day} saa ${time}. Ikiwa huwezi kuja, tafadhali tupigie simu kuibadilisha.`,
    }),
    follow_up: ({ clinic, day }) => ({
      subject: 'Asante kwa kututembelea',
      text: `${clinic}: asante kwa kututembelea tarehe ${day}. Ukiwa na maswali yoyote kuhusu matibabu yako, tafadhali wasiliana nasi.`,
    }),
  },
};

export function isLanguage(v: string): v is Language {
  return (LANGUAGES as readonly string[]).includes(v);
}

/** The message of `type` in `language`; an SMS has no subject line (it is dropped by the sender). */
export function render(
  type: NotificationType,
  _channel: Channel,
  language: Language,
  f: MessageFacts,
): Message {
  const locale = LOCALE[language];
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: f.timeZone }).format(f.at);
  const time = new Intl.DateTimeFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: f.timeZone,
  }).format(f.at);
  return WORDS[language][type]({ clinic: f.clinic, day, time });
}
