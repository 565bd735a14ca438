// The tutorial's settings as the core has them (tutorialDefaults): the
// passwords every command defaults to and names in its help, from one place.

import { tutorialDefaults } from '../ca.js';

export const TUTORIAL = tutorialDefaults();
