using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MySaasChat.Hosting;

namespace MySaasChat.Modules.Identity.Domain;

/// <summary>Random opaque tokens (refresh, email, recovery) and the SHA-256 under which they are stored.</summary>
public static class OpaqueToken
{
    public static string New(int bytes = 32) => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(bytes));

    public static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token))).ToLowerInvariant();
}

/// <summary>Issues access tokens signed with the platform's key; every module validates them with the same <see cref="JwtOptions"/>.</summary>
public sealed class AccessTokenIssuer(JwtOptions jwt, IdentityOptions options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public (string Token, DateTimeOffset ExpiresAt) Issue(User user, Guid sessionId)
    {
        var now = clock.GetUtcNow();
        var expires = now + options.AccessTokenLifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            // ES256 when a private key is configured (other services then need only the public key), else HS256.
            SigningCredentials = jwt.EcSigningKey is { } ec
                ? new SigningCredentials(ec, SecurityAlgorithms.EcdsaSha256)
                : new SigningCredentials(jwt.SigningKey, SecurityAlgorithms.HmacSha256),
            Subject = new ClaimsIdentity(
            [
                new Claim("sub", user.Id.ToString()),
                new Claim("email", user.Email),
                new Claim("role", user.Role),
                new Claim("plan", user.Plan),
                new Claim("sid", sessionId.ToString()),
                new Claim("jti", Guid.NewGuid().ToString()),
            ]),
        });
        return (token, expires);
    }
}
