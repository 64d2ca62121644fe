using Microsoft.AspNetCore.Http;

namespace MySaasChat.Hosting;

/// <summary>Headers every response carries (OWASP secure headers); HSTS only over TLS and when configured.</summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next, PlatformOptions options)
{
    // The web app is Blazor WebAssembly: it needs wasm-unsafe-eval; styles inline for the component library.
    private const string Csp =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: https:; font-src 'self' data:; connect-src 'self' ws: wss:; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(() =>
        {
            var h = http.Response.Headers;
            h["X-Content-Type-Options"] = "nosniff";
            h["X-Frame-Options"] = "DENY";
            h["Referrer-Policy"] = "strict-origin-when-cross-origin";
            h["Content-Security-Policy"] = Csp;
            h["Cross-Origin-Opener-Policy"] = "same-origin";
            h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            h.Remove("Server");
            h.Remove("X-Powered-By");
            if (options.HstsMaxAge > 0 && http.Request.IsHttps)
            {
                h["Strict-Transport-Security"] = $"max-age={options.HstsMaxAge}; includeSubDomains";
            }
            return Task.CompletedTask;
        });
        return next(http);
    }
}

/// <summary>While MAINTENANCE_MODE is on, answers 503 to everyone but the allowed IPs; health and metrics stay up.</summary>
public sealed class MaintenanceMiddleware(RequestDelegate next, PlatformOptions options)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (options.MaintenanceMode && !ServiceDefaults.IsOperationalPath(http.Request.Path))
        {
            var ip = http.Connection.RemoteIpAddress;
            var allowed = ip is not null && options.MaintenanceAllowedIps.Any(a =>
                System.Net.IPAddress.TryParse(a, out var allowedIp) && (allowedIp.Equals(ip) || (ip.IsIPv4MappedToIPv6 && allowedIp.Equals(ip.MapToIPv4()))));
            if (!allowed)
            {
                http.Response.Headers.RetryAfter = "300";
                await Problems.Result(StatusCodes.Status503ServiceUnavailable, "maintenance", "Down for maintenance",
                    "The service is being updated and will be back shortly.").ExecuteAsync(http);
                return;
            }
        }
        await next(http);
    }
}
