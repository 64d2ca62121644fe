using MySaasChat.Hosting;

namespace MySaasChat.Modules.Identity.Domain;

/// <summary>The Identity module's settings, read once at start from the environment variables of .env.example.</summary>
public sealed class IdentityOptions
{
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromMinutes(15);
    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(7);
    public int MaxLoginAttempts { get; init; } = 5;
    public TimeSpan LockoutDuration { get; init; } = TimeSpan.FromMinutes(30);
    public bool RequireEmailVerification { get; init; }
    public TimeSpan PasswordResetLifetime { get; init; } = TimeSpan.FromHours(1);
    public TimeSpan EmailVerificationLifetime { get; init; } = TimeSpan.FromHours(24);
    public int AuthRateLimit { get; init; } = 20;
    public TimeSpan AuthRateLimitWindow { get; init; } = TimeSpan.FromMinutes(15);
    public string? AdminEmail { get; init; }
    /// <summary>Cookie Secure flag; only turned off for local plain-HTTP development.</summary>
    public bool SecureCookie { get; init; } = true;
    public string TotpIssuer { get; init; } = "My-SaaS-Chat";
    public int HashMemoryKiB { get; init; } = PasswordHasher.DefaultMemoryKiB;
    public int HashIterations { get; init; } = PasswordHasher.DefaultIterations;
    public int HashParallelism { get; init; } = PasswordHasher.DefaultParallelism;

    public static IdentityOptions Load(Settings s)
    {
        var adminEmail = s.String("ADMIN_EMAIL");
        if (adminEmail is not null && EmailAddress.Normalize(adminEmail) is null)
        {
            throw new SettingsException("ADMIN_EMAIL", $"'{adminEmail}' is not an email address");
        }
        return new IdentityOptions
        {
            AccessTokenLifetime = s.Duration("JWT_EXPIRY", TimeSpan.FromMinutes(15)),
            RefreshTokenLifetime = s.Duration("REFRESH_TOKEN_EXPIRY", TimeSpan.FromDays(7)),
            MaxLoginAttempts = s.Int("MAX_LOGIN_ATTEMPTS", 5, 1, 1000),
            LockoutDuration = s.Duration("ACCOUNT_LOCKOUT_DURATION", TimeSpan.FromMinutes(30)),
            RequireEmailVerification = s.Bool("REQUIRE_EMAIL_VERIFICATION", false),
            PasswordResetLifetime = s.Duration("PASSWORD_RESET_EXPIRY", TimeSpan.FromHours(1)),
            EmailVerificationLifetime = s.Duration("EMAIL_VERIFICATION_EXPIRY", TimeSpan.FromHours(24)),
            AuthRateLimit = s.Int("AUTH_RATE_LIMIT_MAX_REQUESTS", 20, 1, int.MaxValue),
            AuthRateLimitWindow = s.Duration("AUTH_RATE_LIMIT_WINDOW", TimeSpan.FromMinutes(15)),
            AdminEmail = adminEmail is null ? null : EmailAddress.Normalize(adminEmail),
            SecureCookie = s.Bool("AUTH_COOKIE_SECURE", true),
            TotpIssuer = s.String("TOTP_ISSUER") ?? "My-SaaS-Chat",
            // Below OWASP's floor (19 MiB) is refused; existing hashes move to new parameters at each user's next sign-in.
            HashMemoryKiB = s.Int("PASSWORD_HASH_MEMORY_KB", PasswordHasher.DefaultMemoryKiB, 19456, 1 << 21),
            HashIterations = s.Int("PASSWORD_HASH_ITERATIONS", PasswordHasher.DefaultIterations, 2, 100),
            HashParallelism = s.Int("PASSWORD_HASH_PARALLELISM", PasswordHasher.DefaultParallelism, 1, 16),
        };
    }
}

public static class EmailAddress
{
    /// <summary>Trimmed, lower-cased, and roughly checked (one @, a dot in the domain, no spaces); null when not an address.</summary>
    public static string? Normalize(string? email)
    {
        if (string.IsNullOrWhiteSpace(email)) return null;
        var e = email.Trim().ToLowerInvariant();
        if (e.Length > 254) return null;
        var at = e.IndexOf('@');
        if (at <= 0 || at != e.LastIndexOf('@') || at == e.Length - 1) return null;
        var domain = e[(at + 1)..];
        if (!domain.Contains('.') || domain.StartsWith('.') || domain.EndsWith('.') || domain.Contains("..")) return null;
        if (e.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '(' or ')' or ',' or ';' or ':' or '"' or '[' or ']' or '\\')) return null;
        return e;
    }
}
