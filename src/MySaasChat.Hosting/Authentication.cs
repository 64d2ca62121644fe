using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace MySaasChat.Hosting;

/// <summary>How access tokens are signed and checked. Every module validates; only Identity issues.</summary>
public sealed class JwtOptions
{
    public required string Issuer { get; init; }
    public required string Audience { get; init; }
    public required SymmetricSecurityKey SigningKey { get; init; }

    public static JwtOptions Load(IConfiguration config, PlatformOptions platform)
    {
        var s = new Settings(config);
        var secret = s.String("JWT_SECRET");
        if (secret is null)
        {
            if (!platform.IsAll)
            {
                throw new SettingsException("JWT_SECRET", $"is required for target '{platform.Target}' (generate one with: openssl rand -hex 32)");
            }
            secret = LoadOrCreateLocalSecret(platform.DataDir);
        }
        if (System.Text.Encoding.UTF8.GetByteCount(secret) < 32)
        {
            throw new SettingsException("JWT_SECRET", "must be at least 32 bytes (generate one with: openssl rand -hex 32)");
        }
        return new JwtOptions
        {
            Issuer = s.String("JWT_ISSUER") ?? "mysaaschat",
            Audience = s.String("JWT_AUDIENCE") ?? "mysaaschat",
            SigningKey = new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(secret)) { KeyId = KeyIdOf(secret) },
        };
    }

    private static string KeyIdOf(string secret) =>
        Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("kid:" + secret)))[..16].ToLowerInvariant();

    /// <summary>On the embedded defaults a random secret is kept under DATA_DIR so tokens survive restarts.</summary>
    private static string LoadOrCreateLocalSecret(string dataDir)
    {
        var dir = Path.Combine(dataDir, "keys");
        var path = Path.Combine(dir, "jwt-secret");
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }
        Directory.CreateDirectory(dir);
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        File.WriteAllText(path, secret);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return secret;
    }

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = SigningKey,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = "sub",
        RoleClaimType = "role",
    };
}

public static class AuthenticationSetup
{
    public static IServiceCollection AddPlatformAuthentication(this IServiceCollection services, JwtOptions jwt)
    {
        services.AddSingleton(jwt);
        services.AddSingleton<SessionRevocations>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = jwt.ValidationParameters();
                o.Events = new JwtBearerEvents
                {
                    // Browsers cannot set headers on WebSocket requests: the hub takes the token from the query.
                    OnMessageReceived = ctx =>
                    {
                        var token = ctx.Request.Query["access_token"];
                        if (!string.IsNullOrEmpty(token) && ctx.Request.Path.StartsWithSegments("/api/chat/hub"))
                        {
                            ctx.Token = token;
                        }
                        return Task.CompletedTask;
                    },
                    // A signed-out or revoked session's tokens are refused before they expire.
                    OnTokenValidated = async ctx =>
                    {
                        var sid = ctx.Principal?.FindFirst("sid")?.Value;
                        if (sid is not null && await ctx.HttpContext.RequestServices.GetRequiredService<SessionRevocations>().IsRevokedAsync(sid, ctx.HttpContext.RequestAborted))
                        {
                            ctx.Fail("the session was revoked");
                        }
                    },
                };
            });
        services.AddAuthorization();
        return services;
    }
}
