/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(color: string): number {
  const [r = 0, g = 0, b = 0] = [1, 3, 5].map((i) => {
    const c = parseInt(color.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export const contrastRatio = (a: string, b: string): number => {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
};

/**
 * Text on the widget's colour: white or black, whichever contrasts more. One of them always reaches 4.5:1
 * (the worst case, a mid grey, still gives 4.58:1 with black), which a softer dark grey would not.
 */
export const inkOn = (color: string): "#ffffff" | "#000000" => (contrastRatio(color, "#ffffff") >= contrastRatio(color, "#000000") ? "#ffffff" : "#000000");
