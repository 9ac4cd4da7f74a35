// Chart colours from the Okabe–Ito palette, distinguishable with the common colour-vision
// deficiencies; lines that share a chart also differ in width or dash, and every chart has a data table.
export const PALETTE = {
  blue: '#0072B2',
  skyBlue: '#56B4E9',
  vermillion: '#D55E00',
  bluishGreen: '#009E73',
  orange: '#E69F00',
  reddishPurple: '#CC79A7',
  black: '#000000',
  grey: '#666666',
} as const;

/** Tooltip rows in dark text: the series colours are too light for text on white (axe colour-contrast); each row names its series. */
export const TOOLTIP_ITEM = { color: '#1f2328' } as const;
