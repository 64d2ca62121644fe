using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MySaasChat.Hosting;
using MySaasChat.Testing;
using static MySaasChat.Identity.Tests.IdentityApi;

namespace MySaasChat.Identity.Tests;

public sealed class AccessTokenTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(Settings());
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private string Token(Guid userId, SecurityKey key, string alg = SecurityAlgorithms.HmacSha256, DateTime? expires = null, string? issuer = null)
    {
        var jwt = _app.Services.GetRequiredService<JwtOptions>();
        var exp = expires ?? DateTime.UtcNow.AddMinutes(10);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = exp.AddMinutes(-15),
            NotBefore = exp.AddMinutes(-15),
            Expires = exp,
            SigningCredentials = new SigningCredentials(key, alg),
            Subject = new ClaimsIdentity([new Claim("sub", userId.ToString()), new Claim("email", "x@example.com"), new Claim("role", "admin"),
                new Claim("sid", Guid.NewGuid().ToString()), new Claim("jti", Guid.NewGuid().ToString())]),
        });
    }

    private Task<HttpResponseMessage> MeAsync(string token) => _app.SendAsync(HttpMethod.Get, "/api/auth/me", token);

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused()
    {
        var user = await _app.SignUpAsync();
        var otherKey = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));
        (await MeAsync(Token(user.User.Id, otherKey))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var user = await _app.SignUpAsync();
        var key = _app.Services.GetRequiredService<JwtOptions>().SigningKey;
        (await MeAsync(Token(user.User.Id, key))).StatusCode.ShouldBe(HttpStatusCode.OK, "the same token unexpired is accepted");
        (await MeAsync(Token(user.User.Id, key, expires: DateTime.UtcNow.AddMinutes(-5)))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_from_another_issuer_is_refused()
    {
        var user = await _app.SignUpAsync();
        var key = _app.Services.GetRequiredService<JwtOptions>().SigningKey;
        (await MeAsync(Token(user.User.Id, key, issuer: "someone-else"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_unsigned_alg_none_token_is_refused()
    {
        var user = await _app.SignUpAsync();
        var jwt = _app.Services.GetRequiredService<JwtOptions>();
        static string B64(string s) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(s));
        var exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        var payload = $"{{\"sub\":\"{user.User.Id}\",\"iss\":\"{jwt.Issuer}\",\"aud\":\"{jwt.Audience}\",\"exp\":{exp},\"role\":\"admin\",\"sid\":\"{Guid.NewGuid()}\"}}";
        var none = $"{B64("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{B64(payload)}.";
        (await MeAsync(none)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_with_an_edited_payload_is_refused()
    {
        var user = await _app.SignUpAsync();
        var parts = user.AccessToken.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"role\":\"user\"", "\"role\":\"admin\"", StringComparison.Ordinal);
        payload.ShouldContain("\"role\":\"admin\"");
        var forged = $"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
        (await MeAsync(forged)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.SendAsync(HttpMethod.Get, "/api/auth/admin/users", forged)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Issued_tokens_carry_the_documented_claims()
    {
        var user = await _app.SignUpAsync();
        var token = new JsonWebToken(user.AccessToken);
        token.Alg.ShouldBe("HS256");
        token.GetClaim("sub").Value.ShouldBe(user.User.Id.ToString());
        token.GetClaim("email").Value.ShouldBe(user.User.Email);
        token.GetClaim("role").Value.ShouldBe("user");
        token.GetClaim("plan").Value.ShouldBe("free");
        Guid.TryParse(token.GetClaim("sid").Value, out _).ShouldBeTrue();
        Guid.TryParse(token.GetClaim("jti").Value, out _).ShouldBeTrue();
        (token.ValidTo - token.ValidFrom).ShouldBe(TimeSpan.FromMinutes(15));
    }
}
