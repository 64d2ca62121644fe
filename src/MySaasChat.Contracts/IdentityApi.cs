using System.Text.Json;

namespace MySaasChat.Contracts;

/// <summary>An account as its owner (and admins) see it.</summary>
public sealed record UserResponse(
    Guid Id,
    string Email,
    string Name,
    string Role,
    string Plan,
    bool EmailVerified,
    bool TwoFactorEnabled,
    bool Disabled,
    string? AvatarUrl,
    JsonElement? Preferences,
    DateTimeOffset CreatedAt);

/// <summary>What sign-up, sign-in and refresh answer. The refresh token is also set as an httpOnly cookie.</summary>
public sealed record TokenResponse(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType, UserResponse User);

public sealed record SessionResponse(Guid Id, string? Device, string? IpAddress, DateTimeOffset CreatedAt, DateTimeOffset LastUsedAt, bool Current);

public sealed record UserPage(IReadOnlyList<UserResponse> Items, int Page, int PageSize, int Total);

public sealed record TwoFactorSetupResponse(string Secret, string OtpauthUri);

public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

public sealed record AcceptedResponse(string Status, string Message);
