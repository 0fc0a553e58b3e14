/**
 * The shipped manifests, imported as JSON so they survive bundling (the files in models/manifests/
 * stay the source of truth; a test checks this list against the folder).
 */
import icLightFc from '../manifests/ic-light-fc.json' with { type: 'json' };
import sd15Inpainting from '../manifests/sd15-inpainting.json' with { type: 'json' };
import sd15 from '../manifests/sd15.json' with { type: 'json' };
import taesd from '../manifests/taesd.json' with { type: 'json' };
import vaelight from '../manifests/vaelight.json' with { type: 'json' };

export const BUILTIN_MANIFEST_FILES: Record<string, unknown> = {
  'ic-light-fc.json': icLightFc,
  'sd15-inpainting.json': sd15Inpainting,
  'sd15.json': sd15,
  'taesd.json': taesd,
  'vaelight.json': vaelight,
};
