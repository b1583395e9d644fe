// The control plane end to end over HTTP: one story (support/api-story.ts) told in order by the
// modules under api/, each on one area; every JSON response is checked against the served OpenAPI
// document at the end.

import { apiSurface } from "./api/api-surface.js";
import { authMatrix } from "./api/auth-matrix.js";
import { databases } from "./api/databases.js";
import { pairsAndReports } from "./api/pairs-and-reports.js";
import { switchoverEvents } from "./api/switchover-events.js";
import { usersTokensAndPairLifecycle } from "./api/users-tokens.js";
import { startApiStory } from "./support/api-story.js";

startApiStory();
pairsAndReports();
databases();
switchoverEvents();
authMatrix();
usersTokensAndPairLifecycle();
apiSurface();
