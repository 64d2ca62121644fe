using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

namespace MySaasChat.Modules.Identity.Domain;

/// <summary>
/// Argon2id in the PHC string format ($argon2id$v=19$m=..,t=..,p=..$salt$hash), so a hash names
/// its own parameters and can be upgraded on sign-in when the defaults change.
/// </summary>
public sealed class PasswordHasher
{
    // 64 MiB, 3 passes, 1 lane: measured at ~165 ms on the 2-core build machine (docs/identity.md).
    public const int DefaultMemoryKiB = 65536;
    public const int DefaultIterations = 3;
    public const int DefaultParallelism = 1;

    private static readonly Meter Meter = new("MySaasChat.Identity");
    private static readonly Histogram<double> HashTime = Meter.CreateHistogram<double>("mysaaschat.identity.password_hash.duration", "ms");

    // Each hash holds its memory cost; bound how many run at once so a burst of sign-ins cannot exhaust RAM.
    private readonly SemaphoreSlim _gate = new(Math.Max(2, Environment.ProcessorCount), Math.Max(2, Environment.ProcessorCount));
    private readonly string _dummyHash;

    public PasswordHasher(int memoryKiB = DefaultMemoryKiB, int iterations = DefaultIterations, int parallelism = DefaultParallelism)
    {
        MemoryKiB = memoryKiB;
        Iterations = iterations;
        Parallelism = parallelism;
        _dummyHash = Compute(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)), RandomNumberGenerator.GetBytes(16), memoryKiB, iterations, parallelism);
    }

    public int MemoryKiB { get; }
    public int Iterations { get; }
    public int Parallelism { get; }

    public async Task<string> HashAsync(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        await _gate.WaitAsync();
        try
        {
            return await Task.Run(() => Compute(password, salt, MemoryKiB, Iterations, Parallelism));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Checks a password; <paramref name="stored"/> null checks against a dummy hash so unknown accounts take as long.</summary>
    public async Task<PasswordCheck> VerifyAsync(string password, string? stored)
    {
        var hash = stored ?? _dummyHash;
        if (!TryParse(hash, out var m, out var t, out var p, out var salt, out var expected))
        {
            return PasswordCheck.Failed;
        }
        await _gate.WaitAsync();
        byte[] actual;
        try
        {
            actual = await Task.Run(() => Derive(password, salt, m, t, p, expected.Length));
        }
        finally
        {
            _gate.Release();
        }
        var ok = CryptographicOperations.FixedTimeEquals(actual, expected) && stored is not null;
        if (!ok) return PasswordCheck.Failed;
        return m != MemoryKiB || t != Iterations || p != Parallelism ? PasswordCheck.NeedsRehash : PasswordCheck.Ok;
    }

    private static string Compute(string password, byte[] salt, int m, int t, int p)
    {
        var hash = Derive(password, salt, m, t, p, 32);
        return $"$argon2id$v=19$m={m},t={t},p={p}${B64(salt)}${B64(hash)}";
    }

    private static byte[] Derive(string password, byte[] salt, int m, int t, int p, int length)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var argon = new Argon2id(Encoding.UTF8.GetBytes(password))
        {
            Salt = salt,
            MemorySize = m,
            Iterations = t,
            DegreeOfParallelism = p,
        };
        var result = argon.GetBytes(length);
        HashTime.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }

    private static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=');

    private static byte[] FromB64(string s) => Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));

    private static bool TryParse(string phc, out int m, out int t, out int p, out byte[] salt, out byte[] hash)
    {
        m = t = p = 0;
        salt = hash = [];
        var parts = phc.Split('$');
        if (parts.Length != 6 || parts[1] != "argon2id") return false;
        foreach (var kv in parts[3].Split(','))
        {
            var pair = kv.Split('=');
            if (pair.Length != 2 || !int.TryParse(pair[1], out var v)) return false;
            switch (pair[0])
            {
                case "m": m = v; break;
                case "t": t = v; break;
                case "p": p = v; break;
            }
        }
        try
        {
            salt = FromB64(parts[4]);
            hash = FromB64(parts[5]);
        }
        catch (FormatException)
        {
            return false;
        }
        return m > 0 && t > 0 && p > 0 && salt.Length >= 8 && hash.Length >= 16;
    }
}

public enum PasswordCheck { Failed, Ok, NeedsRehash }

/// <summary>Length 8-128 (ASVS 2.1) and not among the most common passwords.</summary>
public static class PasswordPolicy
{
    public const int MinLength = 8;
    public const int MaxLength = 128;

    private static readonly Lazy<HashSet<string>> Common = new(() =>
    {
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream("MySaasChat.Modules.Identity.common-passwords.txt")
            ?? throw new InvalidOperationException("common-passwords.txt resource missing");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#') set.Add(line.Trim());
        }
        return set;
    });

    public static int CommonCount => Common.Value.Count;

    /// <summary>The reason a password is refused, or null when it is acceptable.</summary>
    public static string? Check(string? password, string? email = null)
    {
        if (string.IsNullOrEmpty(password)) return "password is required.";
        if (password.Length < MinLength) return $"password must be at least {MinLength} characters.";
        if (password.Length > MaxLength) return $"password must be at most {MaxLength} characters.";
        if (Common.Value.Contains(password.ToLowerInvariant())) return "password is too common; choose another.";
        if (email is not null && password.Equals(email, StringComparison.OrdinalIgnoreCase)) return "password must not be your email address.";
        return null;
    }
}
