import type { NextConfig } from 'next';

// A static export: the Rollcall server serves client/out on the same origin as /graphql, so ids
// travel in query strings (/session/?id=…) rather than dynamic segments.
const nextConfig: NextConfig = {
  output: 'export',
  trailingSlash: true,
  images: { unoptimized: true },
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
