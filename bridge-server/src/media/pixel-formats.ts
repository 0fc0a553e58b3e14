/**
 * What we know about ffmpeg pixel formats: bit depth, alpha, and whether we decode them.
 * "Supported" means swscale converts it to rgb48/rgba64 losslessly in depth; exotic formats
 * (Bayer, 1-bit, XYZ, hardware surfaces) are refused with E_MEDIA_PIXFMT.
 */
const SUPPORTED = new RegExp(
  '^(' +
    [
      'yuvj?(420|422|444|440|411|410)p(9|10|12|14|16)?(le|be)?',
      'yuva(420|422|444)p(9|10|12|16)?(le|be)?',
      'nv(12|16|21|24|42)', 'nv20(le|be)', 'p0(10|12|16)(le|be)', 'p2(10|16)(le|be)', 'p4(10|16)(le|be)', 'y210le',
      'rgb24', 'bgr24', 'rgba', 'bgra', 'argb', 'abgr', '0rgb', 'rgb0', '0bgr', 'bgr0',
      'rgb48(le|be)', 'bgr48(le|be)', 'rgba64(le|be)', 'bgra64(le|be)',
      'gbrp(9|10|12|14|16)?(le|be)?', 'gbrap(10|12|16)?(le|be)?',
      'gray(9|10|12|14|16)?(le|be)?', 'ya8', 'ya16(le|be)',
      'uyvy422', 'yuyv422', 'yvyu422', 'pal8', 'rgb565(le|be)', 'rgb555(le|be)', 'bgr565(le|be)', 'bgr555(le|be)',
    ].join('|') +
    ')$',
);

export function isSupportedPixFmt(pixFmt: string): boolean {
  return SUPPORTED.test(pixFmt);
}

export function pixFmtHasAlpha(pixFmt: string): boolean {
  return /^(yuva|rgba|bgra|argb|abgr|ya8|ya16|gbrap)/.test(pixFmt);
}

/** Bits per component of a pixel format (8 when it does not say). */
export function pixFmtBitDepth(pixFmt: string): number {
  if (/^(rgb48|bgr48|rgba64|bgra64|ya16)/.test(pixFmt)) return 16;
  if (/^p0(10)|^p2(10)|^p4(10)|^y210|^nv20/.test(pixFmt)) return 10;
  if (/^p0(12)/.test(pixFmt)) return 12;
  if (/^p[024]16/.test(pixFmt)) return 16;
  const m = /(?:p|gray|gbrap?)(9|10|12|14|16)(le|be)?$/.exec(pixFmt);
  return m ? Number(m[1]) : 8;
}

/** Packed or planar RGB(A) (no YUV matrix involved in decoding it). */
export function isRgbPixFmt(pixFmt: string): boolean {
  return /^(rgb|bgr|argb|abgr|0rgb|0bgr|gbr|pal8)/.test(pixFmt);
}
