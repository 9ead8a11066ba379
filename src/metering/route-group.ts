/**
 * Which part of the Worker a request is for, so the cost bench can count the Tracking API's
 * requests apart from the admin API, console and Profile API calls made around a run.
 */
export function routeGroup(pathname: string): string {
  if (pathname.startsWith("/v1/spaces/")) return "profile-api";
  if (pathname.startsWith("/v1/projects/") || pathname.startsWith("/analytics.js/")) return "sdk";
  if (pathname.startsWith("/v1/")) return "tracking";
  if (pathname.startsWith("/api/")) return "admin";
  if (pathname === "/console" || pathname.startsWith("/console/")) return "console";
  return "other";
}
