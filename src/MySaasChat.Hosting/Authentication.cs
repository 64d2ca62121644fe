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

    /// <summary>ES256 key that signs access tokens (JWT_PRIVATE_KEY); only the Identity service needs it.</summary>
    public ECDsaSecurityKey? EcSigningKey { get; init; }

    /// <summary>ES256 public keys accepted (JWT_PUBLIC_KEYS: the current key and earlier ones until their tokens expire).</summary>
    public IReadOnlyList<ECDsaSecurityKey> EcVerificationKeys { get; init; } = [];

    public static JwtOptions Load(IConfiguration config, PlatformOptions platform)
    {
        var s = new Settings(config);
        var secret = s.String("JWT_SECRET");
        var ecSigning = ReadPrivateKey(s);
        var ecVerification = ReadPublicKeys(s);
        if (ecSigning is not null && !ecVerification.Any(k => k.KeyId == ecSigning.KeyId))
        {
            ecVerification = [.. ecVerification, PublicPart(ecSigning)];
        }
        if (secret is null && ecVerification.Count > 0)
        {
            // Asymmetric tokens only: HS256 is checked against a random key nobody holds, so it is in effect off.
            secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        }
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
            EcSigningKey = ecSigning,
            EcVerificationKeys = ecVerification,
        };
    }

    /// <summary>A PEM value, given inline (newlines may be written as \n) or as the path of a PEM file.</summary>
    private static string? ReadPem(Settings s, string variable)
    {
        var value = s.String(variable);
        if (value is null) return null;
        if (value.Contains("-----BEGIN", StringComparison.Ordinal)) return value.Replace("\\n", "\n", StringComparison.Ordinal);
        if (!File.Exists(value)) throw new SettingsException(variable, $"is neither a PEM key nor the path of a readable PEM file");
        return File.ReadAllText(value);
    }

    private static ECDsaSecurityKey? ReadPrivateKey(Settings s)
    {
        var pem = ReadPem(s, "JWT_PRIVATE_KEY");
        if (pem is null) return null;
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            ec.ExportParameters(includePrivateParameters: true);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw new SettingsException("JWT_PRIVATE_KEY", "must be an EC P-256 private key in PEM (openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt)");
        }
        if (ec.KeySize != 256) throw new SettingsException("JWT_PRIVATE_KEY", "must be a P-256 key (ES256)");
        return WithKeyId(new ECDsaSecurityKey(ec));
    }

    private static List<ECDsaSecurityKey> ReadPublicKeys(Settings s)
    {
        var pem = ReadPem(s, "JWT_PUBLIC_KEYS");
        if (pem is null) return [];
        const string begin = "-----BEGIN PUBLIC KEY-----";
        var keys = new List<ECDsaSecurityKey>();
        foreach (var block in pem.Split(begin, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(b => b.Contains("-----END", StringComparison.Ordinal)))
        {
            var ec = ECDsa.Create();
            try
            {
                ec.ImportFromPem(begin + "\n" + block);
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException)
            {
                throw new SettingsException("JWT_PUBLIC_KEYS", "must hold EC P-256 public keys in PEM (openssl ec -pubout)");
            }
            keys.Add(WithKeyId(new ECDsaSecurityKey(ec)));
        }
        if (keys.Count == 0) throw new SettingsException("JWT_PUBLIC_KEYS", "holds no -----BEGIN PUBLIC KEY----- block");
        return keys;
    }

    public static ECDsaSecurityKey PublicPart(ECDsaSecurityKey key)
    {
        var ec = ECDsa.Create(key.ECDsa.ExportParameters(includePrivateParameters: false));
        return new ECDsaSecurityKey(ec) { KeyId = key.KeyId };
    }

    /// <summary>The key id is the RFC 7638 thumbprint of the public key, the same in every service.</summary>
    private static ECDsaSecurityKey WithKeyId(ECDsaSecurityKey key)
    {
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(key.ECDsa.ExportParameters(false))));
        key.KeyId = Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
        return key;
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
        IssuerSigningKeys = [SigningKey, .. EcVerificationKeys],
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.EcdsaSha256],
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
