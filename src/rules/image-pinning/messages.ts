// Every finding message of image-pinning.
import { defineMessages } from '../messages.js';

const fix = 'pin to a version tag or digest (e.g. name:1.2.3 or name@sha256:<digest>)';

export const imagePinningMessages = defineMessages({
  latest: { text: "image {{name}}:{{tag}} uses the mutable tag '{{tag}}'{{at}}", fix },
  tagless: { text: 'image {{name}} has no tag, so it pulls :latest{{at}}', fix },
  noDigest: { text: 'image {{name}}:{{tag}} is not pinned by digest{{at}}', fix },
  placeholder: {
    text: 'image reference {{ref}} is a template placeholder, not an image ({{where}}): as committed it cannot be deployed or verified',
    subRule: 'placeholder',
    fix: 'substitute a pinned image (name:1.2.3 or name@sha256:<digest>), or keep templates out of deployable manifests',
  },
});

/** Where the image was found, after the message (nothing for a plain `image:` key). */
export const imageAt = (where: string) => (where === 'image' ? '' : ` (${where})`);
