using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MySaasChat.Hosting;
using MySaasChat.Testing;
using static MySaasChat.Identity.Tests.IdentityApi;

namespace MySaasChat.Identity.Tests;

/// <summary>ES256 tokens: services verify with public keys only, and old keys stay valid during a rotation.</summary>
public sealed class SigningKeyTests
{
    private static ECDsa NewKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    // Inline PEM in an environment variable is written with \n, as .env files hold one line per variable.
    private static string OneLine(string pem) => pem.Replace("\n", "\\n", StringComparison.Ordinal);

    [Fact]
    public async Task With_JWT_PRIVATE_KEY_tokens_are_ES256_and_their_key_is_published_as_a_JWK()
    {
        using var key = NewKey();
        await using var app = await TestApp.StartAsync(Settings(("JWT_PRIVATE_KEY", OneLine(key.ExportPkcs8PrivateKeyPem()))));
        var tokens = await app.SignUpAsync();
        var jwt = new JsonWebToken(tokens.AccessToken);
        jwt.Alg.ShouldBe("ES256");
        (await app.SendAsync(HttpMethod.Get, "/api/auth/me", tokens.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var jwks = await app.Client.GetFromJsonAsync<JsonElement>("/.well-known/jwks.json");
        var published = jwks.GetProperty("keys").EnumerateArray().Single();
        published.GetProperty("kid").GetString().ShouldBe(jwt.Kid);
        published.GetProperty("kty").GetString().ShouldBe("EC");
        published.GetProperty("crv").GetString().ShouldBe("P-256");
        published.TryGetProperty("d", out _).ShouldBeFalse("the private part is never published");
        (await app.Client.GetAsync("/api/auth/.well-known/jwks.json")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The published key alone verifies the token.
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(tokens.AccessToken, new TokenValidationParameters
        {
            IssuerSigningKey = new JsonWebKey(published.GetRawText()),
            ValidateIssuer = false,
            ValidateAudience = false,
        });
        result.IsValid.ShouldBeTrue(result.Exception?.Message);
    }

    [Fact]
    public async Task A_service_holding_only_the_public_key_accepts_the_tokens_and_refuses_other_keys()
    {
        using var key = NewKey();
        await using var identity = await TestApp.StartAsync(Settings(("JWT_PRIVATE_KEY", OneLine(key.ExportPkcs8PrivateKeyPem()))));
        await using var other = await TestApp.StartAsync(Settings(("JWT_PUBLIC_KEYS", OneLine(key.ExportSubjectPublicKeyInfoPem()))));
        var tokens = await identity.SignUpAsync();
        // /sessions only needs a valid token (the other process has no such user, so it lists none).
        (await other.SendAsync(HttpMethod.Get, "/api/auth/sessions", tokens.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var stranger = NewKey();
        var forged = Sign(other, new ECDsaSecurityKey(stranger) { KeyId = new JsonWebToken(tokens.AccessToken).Kid });
        (await other.SendAsync(HttpMethod.Get, "/api/auth/sessions", forged)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        // Without JWT_SECRET that service holds no HS256 secret that anyone else knows.
        (await other.SendAsync(HttpMethod.Get, "/api/auth/sessions", identity.MintToken(Guid.NewGuid()))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task After_a_key_rotation_tokens_of_the_previous_key_stay_valid_while_listed()
    {
        using var old = NewKey();
        using var current = NewKey();
        await using var app = await TestApp.StartAsync(Settings(
            ("JWT_PRIVATE_KEY", OneLine(current.ExportPkcs8PrivateKeyPem())),
            ("JWT_PUBLIC_KEYS", OneLine(old.ExportSubjectPublicKeyInfoPem()))));
        var oldToken = Sign(app, new ECDsaSecurityKey(old));
        (await app.SendAsync(HttpMethod.Get, "/api/auth/sessions", oldToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var jwks = await app.Client.GetFromJsonAsync<JsonElement>("/.well-known/jwks.json");
        jwks.GetProperty("keys").GetArrayLength().ShouldBe(2);

        await using var afterRotation = await TestApp.StartAsync(Settings(("JWT_PRIVATE_KEY", OneLine(current.ExportPkcs8PrivateKeyPem()))));
        (await afterRotation.SendAsync(HttpMethod.Get, "/api/auth/sessions", oldToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Without_an_asymmetric_key_there_is_no_JWKS()
    {
        await using var app = await TestApp.StartAsync(Settings());
        var response = await app.Client.GetAsync("/.well-known/jwks.json");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await CodeOf(response)).ShouldBe("auth.jwks_unavailable");
    }

    [Theory]
    [InlineData("JWT_PRIVATE_KEY", "not a key")]
    [InlineData("JWT_PRIVATE_KEY", "-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----")]
    [InlineData("JWT_PUBLIC_KEYS", "-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----")]
    public async Task A_bad_key_stops_start_up_naming_the_variable(string variable, string value)
    {
        var ex = await Should.ThrowAsync<SettingsException>(() => TestApp.StartAsync(Settings((variable, value))));
        ex.Variable.ShouldBe(variable);
    }

    private static string Sign(TestApp app, ECDsaSecurityKey key)
    {
        var jwt = app.Services.GetRequiredService<JwtOptions>();
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
            Subject = new ClaimsIdentity([new Claim("sub", Guid.NewGuid().ToString()), new Claim("sid", Guid.NewGuid().ToString()), new Claim("role", "user")]),
        });
    }
}
