using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MySaasChat.Hosting;

/// <summary>
/// Sessions whose access tokens are refused before they expire (sign-out, revoked device, reuse of a
/// refresh token). Shared through IDistributedCache (Redis when REDIS_URL is set); each process keeps
/// what it learnt for <see cref="RecheckAfter"/>, so a revocation reaches every service within a minute.
/// </summary>
public sealed class SessionRevocations(IServiceProvider services, TimeProvider clock, ILogger<SessionRevocations> logger)
{
    public static readonly TimeSpan RecheckAfter = TimeSpan.FromSeconds(20);

    private readonly IDistributedCache? _shared = services.GetService<IDistributedCache>();
    private readonly MemoryCache _local = new(new MemoryCacheOptions());

    private static string Key(string sessionId) => "revoked-session:" + sessionId;

    /// <summary>Refuses the session's access tokens until <paramref name="tokensValidUntil"/> (the last one's expiry).</summary>
    public async Task RevokeAsync(string sessionId, DateTimeOffset tokensValidUntil, CancellationToken ct = default)
    {
        var ttl = tokensValidUntil - clock.GetUtcNow() + TimeSpan.FromMinutes(1);
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }
        _local.Set(Key(sessionId), true, ttl);
        if (_shared is not null)
        {
            await _shared.SetAsync(Key(sessionId), [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = ttl }, ct);
        }
    }

    public async ValueTask<bool> IsRevokedAsync(string sessionId, CancellationToken ct = default)
    {
        if (_local.TryGetValue(Key(sessionId), out bool known))
        {
            return known;
        }
        if (_shared is null)
        {
            return false;
        }
        bool revoked;
        try
        {
            revoked = await _shared.GetAsync(Key(sessionId), ct) is not null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The cache being down must not take every service down: tokens still expire within JWT_EXPIRY.
            logger.LogWarning("Session revocation list unavailable, accepting the token: {Error}", ex.Message);
            return false;
        }
        _local.Set(Key(sessionId), revoked, revoked ? TimeSpan.FromMinutes(5) : RecheckAfter);
        return revoked;
    }
}
