using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace MySaasChat.Hosting;

public readonly record struct RateLimitResult(bool Allowed, long Count, int Limit, TimeSpan ResetIn);

/// <summary>Fixed-window counters: in memory for one process, in Redis so that every instance shares one limit.</summary>
public interface IRateLimitStore
{
    Task<long> IncrementAsync(string key, TimeSpan window, CancellationToken ct);
}

public sealed class InMemoryRateLimitStore(TimeProvider clock) : IRateLimitStore
{
    private readonly ConcurrentDictionary<string, Counter> _counters = new();
    private long _lastSweep;

    private sealed class Counter
    {
        public long Window;
        public long Count;
    }

    public Task<long> IncrementAsync(string key, TimeSpan window, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var windowId = now / (long)window.TotalMilliseconds;
        var counter = _counters.GetOrAdd(key, _ => new Counter { Window = windowId });
        long count;
        lock (counter)
        {
            if (counter.Window != windowId)
            {
                counter.Window = windowId;
                counter.Count = 0;
            }
            count = ++counter.Count;
        }
        Sweep(now, window);
        return Task.FromResult(count);
    }

    private void Sweep(long now, TimeSpan window)
    {
        var last = Interlocked.Read(ref _lastSweep);
        if (now - last < 60_000 || Interlocked.CompareExchange(ref _lastSweep, now, last) != last) return;
        var current = now / (long)window.TotalMilliseconds;
        foreach (var (key, counter) in _counters)
        {
            if (counter.Window < current - 1) _counters.TryRemove(key, out _);
        }
    }
}

public sealed class RedisRateLimitStore(IConnectionMultiplexer redis, PlatformOptions options, TimeProvider clock) : IRateLimitStore
{
    // INCR and set the expiry on the first hit, atomically, so a crash between the two cannot leave a key that never expires.
    private const string Script = """
        local c = redis.call('INCR', KEYS[1])
        if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return c
        """;

    public async Task<long> IncrementAsync(string key, TimeSpan window, CancellationToken ct)
    {
        var ms = (long)window.TotalMilliseconds;
        var windowId = clock.GetUtcNow().ToUnixTimeMilliseconds() / ms;
        var result = await redis.GetDatabase().ScriptEvaluateAsync(Script,
            [new RedisKey($"{options.RedisKeyPrefix}ratelimit:{key}:{windowId}")], [ms * 2]);
        return (long)result;
    }
}

/// <summary>Counts hits per key; fails open (allows, logs) when the shared store is unreachable.</summary>
public sealed class RateLimiter(IRateLimitStore store, TimeProvider clock, ILogger<RateLimiter> logger)
{
    public async Task<RateLimitResult> HitAsync(string policy, string key, int limit, TimeSpan window, CancellationToken ct)
    {
        var ms = (long)window.TotalMilliseconds;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var resetIn = TimeSpan.FromMilliseconds(ms - now % ms);
        try
        {
            var count = await store.IncrementAsync($"{policy}:{key}", window, ct);
            return new RateLimitResult(count <= limit, count, limit, resetIn);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning("Rate limit store unavailable, allowing the request: {Error}", ex.Message);
            return new RateLimitResult(true, 0, limit, resetIn);
        }
    }

    public static void WriteHeaders(HttpResponse response, RateLimitResult result)
    {
        response.Headers["RateLimit-Limit"] = result.Limit.ToString(CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Remaining"] = Math.Max(0, result.Limit - result.Count).ToString(CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Reset"] = Math.Ceiling(result.ResetIn.TotalSeconds).ToString(CultureInfo.InvariantCulture);
    }

    public static IResult Rejected(HttpResponse response, RateLimitResult result)
    {
        response.Headers.RetryAfter = Math.Ceiling(result.ResetIn.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return Problems.Result(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests",
            $"Limit of {result.Limit} requests reached; try again in {Math.Ceiling(result.ResetIn.TotalSeconds)} s.");
    }
}

/// <summary>The global per-client limit from RATE_LIMIT_WINDOW_MS and RATE_LIMIT_MAX_REQUESTS.</summary>
public sealed class RateLimitMiddleware(RequestDelegate next, PlatformOptions options, RateLimiter limiter)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (ServiceDefaults.IsOperationalPath(http.Request.Path) || !http.Request.Path.StartsWithSegments("/api"))
        {
            await next(http);
            return;
        }
        var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var result = await limiter.HitAsync("global", client, options.RateLimitMaxRequests,
            TimeSpan.FromMilliseconds(options.RateLimitWindowMs), http.RequestAborted);
        RateLimiter.WriteHeaders(http.Response, result);
        if (!result.Allowed)
        {
            await RateLimiter.Rejected(http.Response, result).ExecuteAsync(http);
            return;
        }
        await next(http);
    }
}
