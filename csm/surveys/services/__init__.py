"""Survey writes: authoring and publishing (authoring), answering (responding), counting answers
into rollups (rollups), and the closed loop (follow_ups)."""
