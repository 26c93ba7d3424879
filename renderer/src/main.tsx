import '@mantine/core/styles.css';
import {
  type CSSVariablesResolver,
  createTheme,
  DEFAULT_THEME,
  type MantineColorsTuple,
  MantineProvider,
} from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';

/** Orange's darkest shade made darker, so warning text on white reads at WCAG AA (4.5:1). */
const orange = DEFAULT_THEME.colors.orange.map((c, i) =>
  i === 9 ? '#a63a0c' : c,
) as unknown as MantineColorsTuple;

// Shade 9 everywhere: every coloured text and filled badge passes the contrast check on a ward's
// washed-out monitor too (the axe scan in the end-to-end tests holds this).
const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: 9,
  autoContrast: true,
  colors: { orange },
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif',
});

/**
 * Text dark enough for WCAG AA: secondary ("dimmed") text (Mantine's gray-6 is 3.3:1 on white), a
 * field's error, and the text of light-variant alerts and badges (their default shade fails on the
 * tinted background).
 */
const LIGHT_VARIANT_COLORS = ['blue', 'teal', 'red', 'orange', 'gray', 'grape', 'yellow'];
const readableText: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    // A field's error message and red border: red-6 is 3.3:1 on white.
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    ...Object.fromEntries(
      LIGHT_VARIANT_COLORS.map((c) => [`--mantine-color-${c}-light-color`, `var(--mantine-color-${c}-9)`]),
    ),
  },
  dark: {},
});

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={readableText}>
      <App />
    </MantineProvider>
  </StrictMode>,
);
