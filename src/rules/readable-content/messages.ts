// Every finding message of readable-content.
import { defineMessages } from '../messages.js';

export const readableContentMessages = defineMessages({
  undecodable: {
    text: '{{path}} is named like a text file but its bytes are not UTF-8, UTF-16 or UTF-32: it cannot be checked',
    subRule: 'undecodable',
    fix: 'commit it as UTF-8 text (or UTF-16/32 with a byte-order mark), or move it out of runtime scope',
  },
  lfsPointer: {
    text: '{{path}} is a Git LFS pointer: the content deployed is stored outside the repository and was not checked',
    subRule: 'lfs-pointer',
    fix: 'commit runtime config and code as regular blobs (remove the path from LFS tracking)',
  },
  gitAttribute: {
    text: '{{attrs}} on {{pattern}}: git writes other bytes than the checked blob for runtime-scope paths (e.g. {{example}})',
    subRule: 'git-attribute',
    fix: 'remove the attribute for runtime code and config, or narrow its pattern to paths outside runtime scope',
  },
  gitlink: {
    text: "{{path}} is a submodule (gitlink to {{target}}) in runtime scope: its content is another repository's commit and was not checked",
    subRule: 'gitlink',
    fix: 'vendor the code as regular files (so the gate reads them), or move the submodule out of runtime scope (readable-content scope.exclude)',
  },
});
