namespace MySaasChat.Modules.Identity.Domain;

public static class Roles
{
    public const string User = "user";
    public const string Admin = "admin";
    public static readonly string[] All = [User, Admin];
}

/// <summary>An account. The email is stored normalised (trimmed, lower case) and is unique.</summary>
public sealed class User
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Email { get; set; }
    public required string Name { get; set; }
    public required string PasswordHash { get; set; }
    public string Role { get; set; } = Roles.User;
    public string Plan { get; set; } = "free";
    public bool EmailVerified { get; set; }
    public bool Disabled { get; set; }
    public string? AvatarUrl { get; set; }
    /// <summary>Free-form JSON object of the user's preferences (theme, language, default model...).</summary>
    public string? Preferences { get; set; }
    public int FailedSignIns { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    /// <summary>Base32 TOTP secret; set at setup, used once <see cref="TwoFactorEnabled"/>.</summary>
    public string? TotpSecret { get; set; }
    public bool TwoFactorEnabled { get; set; }
    /// <summary>The last TOTP time step accepted, so a code cannot be replayed within its window.</summary>
    public long LastTotpStep { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One signed-in device. Its refresh tokens form one family: reuse of a rotated one revokes the session.</summary>
public sealed class Session
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public string? Device { get; set; }
    public string? IpAddress { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastUsedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedReason { get; set; }

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;
}

/// <summary>A refresh token, stored as its SHA-256. <see cref="RotatedAt"/> set means it was exchanged once already.</summary>
public sealed class RefreshToken
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid SessionId { get; set; }
    public required string TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RotatedAt { get; set; }
}

public static class EmailTokenPurpose
{
    public const string VerifyEmail = "verify-email";
    public const string ResetPassword = "reset-password";
}

/// <summary>A single-use token sent by email (verification, password reset), stored as its SHA-256.</summary>
public sealed class EmailToken
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public required string Purpose { get; set; }
    public required string TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>A two-factor recovery code, shown once and stored as its SHA-256.</summary>
public sealed class RecoveryCode
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public required string CodeHash { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>An OAuth sign-in in progress: the state (stored hashed) and the PKCE verifier, for one use within minutes.</summary>
public sealed class OAuthState
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string StateHash { get; set; }
    public required string Provider { get; set; }
    public required string CodeVerifier { get; set; }
    public string? ReturnTo { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
