using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.IdentityModel.Tokens;
using MySaasChat.Hosting;

namespace MySaasChat.Modules.Identity.Endpoints;

/// <summary>The public keys that verify access tokens (RFC 7517), when they are signed with ES256.</summary>
internal static class Jwks
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/jwks.json", Handle).AllowAnonymous().WithTags("Identity");
        app.MapGet("/api/auth/.well-known/jwks.json", Handle).AllowAnonymous().WithTags("Identity");
    }

    private static IResult Handle(HttpContext http, JwtOptions jwt)
    {
        if (jwt.EcVerificationKeys.Count == 0)
        {
            return Problems.Result(StatusCodes.Status404NotFound, "auth.jwks_unavailable", "No public signing keys",
                "Tokens are signed with the shared secret (HS256); set JWT_PRIVATE_KEY to sign with ES256 and publish keys here.");
        }
        var keys = jwt.EcVerificationKeys.Select(k =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(JwtOptions.PublicPart(k));
            return new Dictionary<string, string>
            {
                ["kty"] = jwk.Kty,
                ["crv"] = jwk.Crv,
                ["x"] = jwk.X,
                ["y"] = jwk.Y,
                ["kid"] = k.KeyId,
                ["use"] = "sig",
                ["alg"] = SecurityAlgorithms.EcdsaSha256,
            };
        }).ToList();
        http.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Ok(new { keys });
    }
}
