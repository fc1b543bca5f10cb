// Starts Swagger UI on the OpenAPI document the twinloop server publishes. Kept in its own file
// (no inline script) so the page works under a Content-Security-Policy of script-src 'self'.
"use strict";

window.addEventListener("load", function startSwaggerUi() {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
    // The page must work offline: no call to the public validator service.
    validatorUrl: null,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true,
    tryItOutEnabled: false,
  });
});
