using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using MySaasChat.Modules.Identity.Data;
using OtpNet;

namespace MySaasChat.Modules.Identity.Domain;

/// <summary>TOTP (RFC 6238, 30 s, 6 digits, one step of drift) and single-use recovery codes.</summary>
public static class TwoFactor
{
    public const int RecoveryCodeCount = 10;

    public static string NewSecret() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));

    public static string OtpauthUri(string issuer, string email, string secret) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(email)}?secret={secret}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits=6&period=30";

    /// <summary>Checks a TOTP code against the secret; a code is accepted once (its time step must be newer than the last).</summary>
    public static bool VerifyCode(User user, string? secret, string code, DateTimeOffset now)
    {
        if (secret is null) return false;
        code = code.Trim().Replace(" ", "", StringComparison.Ordinal);
        if (code.Length != 6 || !code.All(char.IsAsciiDigit)) return false;
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        if (!totp.VerifyTotp(now.UtcDateTime, code, out var step, new VerificationWindow(previous: 1, future: 1)) || step <= user.LastTotpStep)
        {
            return false;
        }
        user.LastTotpStep = step;
        return true;
    }

    /// <summary>A TOTP code, or else an unused recovery code (which is then spent).</summary>
    public static async Task<bool> VerifyAsync(IdentityDbContext db, User user, string code, DateTimeOffset now, CancellationToken ct)
    {
        if (VerifyCode(user, user.TotpSecret, code, now)) return true;
        var hash = OpaqueToken.Hash(NormalizeRecoveryCode(code));
        var recovery = await db.RecoveryCodes.FirstOrDefaultAsync(r => r.UserId == user.Id && r.CodeHash == hash && r.UsedAt == null, ct);
        if (recovery is null) return false;
        recovery.UsedAt = now;
        return true;
    }

    /// <summary>New recovery codes (replacing any old ones); the raw codes are returned once and only hashes are kept.</summary>
    public static async Task<List<string>> NewRecoveryCodesAsync(IdentityDbContext db, User user, CancellationToken ct)
    {
        await db.RecoveryCodes.Where(r => r.UserId == user.Id).ExecuteDeleteAsync(ct);
        var codes = new List<string>();
        for (var i = 0; i < RecoveryCodeCount; i++)
        {
            var raw = Base32Encoding.ToString(RandomNumberGenerator.GetBytes(10)).ToLowerInvariant();
            var code = $"{raw[..8]}-{raw[8..16]}";
            codes.Add(code);
            db.RecoveryCodes.Add(new RecoveryCode { UserId = user.Id, CodeHash = OpaqueToken.Hash(NormalizeRecoveryCode(code)) });
        }
        return codes;
    }

    private static string NormalizeRecoveryCode(string code) =>
        code.Trim().Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
}
