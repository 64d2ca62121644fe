namespace MySaasChat.Contracts;

public sealed record UserRegistered(Guid UserId, string Email, string Name) : IntegrationEvent;

public sealed record EmailVerificationRequested(Guid UserId, string Email, string Name, string Token) : IntegrationEvent;

public sealed record PasswordResetRequested(Guid UserId, string Email, string Name, string Token) : IntegrationEvent;

public sealed record UserSignedIn(Guid UserId, string Email, Guid SessionId, string? Device, string? IpAddress, bool NewDevice) : IntegrationEvent;

public sealed record SessionRevoked(Guid UserId, Guid SessionId, DateTimeOffset AccessTokensValidUntil) : IntegrationEvent;

public sealed record UserUpdated(Guid UserId, string Email, string Name, string Role, bool Disabled) : IntegrationEvent;

public sealed record UserDeleted(Guid UserId, string Email) : IntegrationEvent;

public sealed record TwoFactorChanged(Guid UserId, string Email, string Name, bool Enabled) : IntegrationEvent;
