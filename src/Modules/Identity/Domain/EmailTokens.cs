using MySaasChat.Contracts;
using MySaasChat.Modules.Identity.Data;

namespace MySaasChat.Modules.Identity.Domain;

public static class EmailTokens
{
    /// <summary>Stores a new single-use token (hashed) and publishes the event that makes Notifications mail the raw one.</summary>
    public static string Issue(IdentityDbContext db, User user, string purpose, TimeSpan lifetime, DateTimeOffset now)
    {
        var raw = OpaqueToken.New();
        db.EmailTokens.Add(new EmailToken
        {
            UserId = user.Id,
            Purpose = purpose,
            TokenHash = OpaqueToken.Hash(raw),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        });
        db.Publish(purpose == EmailTokenPurpose.ResetPassword
            ? new PasswordResetRequested(user.Id, user.Email, user.Name, raw)
            : new EmailVerificationRequested(user.Id, user.Email, user.Name, raw));
        return raw;
    }
}
