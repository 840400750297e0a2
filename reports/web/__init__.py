"""The web app: triage desk for analysts, portal for rights holders, management pages and /api/."""
