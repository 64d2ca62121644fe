using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using MySaasChat.Hosting;

namespace MySaasChat.Modules.Identity.Domain;

/// <summary>
/// Encrypts secrets kept at rest (TOTP seeds) with AES-256-GCM under a key derived from AUTH_SECRET,
/// so a copy of the database alone does not let anyone generate a user's codes.
/// </summary>
public sealed class SecretBox
{
    private const string Prefix = "v1:";
    private readonly byte[] _key;

    public SecretBox(string secret) =>
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, info: Encoding.UTF8.GetBytes("mysaaschat identity secret-box v1"));

    public string Seal(string plaintext)
    {
        var data = Encoding.UTF8.GetBytes(plaintext);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[data.Length];
        var tag = new byte[16];
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(nonce, data, cipher, tag);
        return Prefix + Base64UrlEncoder.Encode([.. nonce, .. cipher, .. tag]);
    }

    /// <summary>The plaintext, or null when the value cannot be opened with this key (AUTH_SECRET changed).</summary>
    public string? Open(string? sealedValue)
    {
        if (sealedValue is null || !sealedValue.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        try
        {
            var bytes = Base64UrlEncoder.DecodeBytes(sealedValue[Prefix.Length..]);
            if (bytes.Length < 12 + 16) return null;
            var plain = new byte[bytes.Length - 28];
            using var aes = new AesGcm(_key, 16);
            aes.Decrypt(bytes.AsSpan(0, 12), bytes.AsSpan(12, plain.Length), bytes.AsSpan(12 + plain.Length), plain);
            return Encoding.UTF8.GetString(plain);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>AUTH_SECRET; in target `all` without it, a random key kept under DATA_DIR/keys (like the local JWT key).</summary>
    public static SecretBox Load(Settings s, PlatformOptions platform)
    {
        var secret = s.String("AUTH_SECRET");
        if (secret is null)
        {
            if (!platform.IsAll)
            {
                throw new SettingsException("AUTH_SECRET", $"is required for target '{platform.Target}' (generate one with: openssl rand -hex 32)");
            }
            var path = Path.Combine(platform.DataDir, "keys", "auth-secret");
            if (File.Exists(path))
            {
                secret = File.ReadAllText(path).Trim();
            }
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
                File.WriteAllText(path, secret);
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        if (Encoding.UTF8.GetByteCount(secret) < 32)
        {
            throw new SettingsException("AUTH_SECRET", "must be at least 32 bytes (generate one with: openssl rand -hex 32)");
        }
        return new SecretBox(secret);
    }
}
