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

/** Secondary ("dimmed") text dark enough for WCAG AA on white: Mantine's gray-6 is 3.3:1. */
const readableDimmed: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: {},
});

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={readableDimmed}>
      <App />
    </MantineProvider>
  </StrictMode>,
);
