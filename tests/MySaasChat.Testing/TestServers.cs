using Npgsql;

namespace MySaasChat.Testing;

/// <summary>
/// The real servers ./test.sh starts on 127.0.0.1. Override with TEST_POSTGRES, TEST_REDIS_URL and
/// TEST_RABBITMQ_URL. Each test gets its own database, key prefix and queue prefix, so tests never share state.
/// </summary>
public static class TestServers
{
    public static string PostgresAdmin =>
        Environment.GetEnvironmentVariable("TEST_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=postgres";

    public static string RedisUrl => Environment.GetEnvironmentVariable("TEST_REDIS_URL") ?? "redis://127.0.0.1:6379";

    public static string RabbitMqUrl => Environment.GetEnvironmentVariable("TEST_RABBITMQ_URL") ?? "amqp://guest:guest@127.0.0.1:5672/";

    /// <summary>Creates an empty database and returns its postgres:// URL, as DATABASE_URL takes it.</summary>
    public static async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "test_" + Guid.NewGuid().ToString("N")[..16];
        await using var conn = new NpgsqlConnection(PostgresAdmin);
        await conn.OpenAsync();
        await using (var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn))
        {
            await cmd.ExecuteNonQueryAsync();
        }
        var b = new NpgsqlConnectionStringBuilder(PostgresAdmin);
        return $"postgres://{Uri.EscapeDataString(b.Username!)}:{Uri.EscapeDataString(b.Password ?? "")}@{b.Host}:{b.Port}/{name}";
    }

    public static string UniquePrefix(string what) => $"test-{what}-{Guid.NewGuid():N}"[..24];

    /// <summary>Settings for a program on the real PostgreSQL, Redis and RabbitMQ, isolated from other tests.</summary>
    public static async Task<Dictionary<string, string?>> ProductionSettingsAsync()
    {
        var prefix = UniquePrefix("p");
        return new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = await CreateDatabaseAsync(),
            ["REDIS_URL"] = RedisUrl,
            ["REDIS_KEY_PREFIX"] = prefix + ":",
            ["RABBITMQ_URL"] = RabbitMqUrl,
            ["RABBITMQ_PREFIX"] = prefix,
            ["JWT_SECRET"] = "test-secret-0123456789abcdef0123456789abcdef",
        };
    }
}
