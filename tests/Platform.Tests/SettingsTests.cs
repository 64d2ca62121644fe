using Microsoft.Extensions.Configuration;
using MySaasChat.Hosting;
using Npgsql;

namespace MySaasChat.Platform.Tests;

public sealed class SettingsTests
{
    private static PlatformOptions Load(params (string Key, string Value)[] values) =>
        PlatformOptions.Load(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build());

    private static SettingsException Refused(params (string, string)[] values) =>
        Should.Throw<SettingsException>(() => Load(values));

    [Fact]
    public void No_settings_runs_everything_on_the_embedded_defaults()
    {
        var o = Load();
        o.Target.ShouldBe("all");
        o.Port.ShouldBe(8080);
        o.Database.ShouldBe(DatabaseProvider.Sqlite);
        o.Redis.ShouldBeNull();
        o.RabbitMqUrl.ShouldBeNull();
        o.MigrateOnStart.ShouldBeTrue();
        o.DataDir.ShouldEndWith("data");
    }

    [Theory]
    [InlineData("auth", 3001)]
    [InlineData("chat", 3002)]
    [InlineData("billing", 3003)]
    [InlineData("analytics", 3004)]
    [InlineData("notifications", 3005)]
    [InlineData("orchestrator", 3006)]
    public void Each_target_has_its_port_and_needs_a_broker_and_cache(string target, int port)
    {
        var e = Refused(("TARGET", target));
        e.Variable.ShouldBe("RABBITMQ_URL");
        e.Message.ShouldContain("REDIS_URL");
        var o = Load(("TARGET", target), ("RABBITMQ_URL", "amqp://localhost"), ("REDIS_URL", "redis://localhost"));
        o.Port.ShouldBe(port);
        o.MigrateOnStart.ShouldBeFalse();
        o.ServiceName.ShouldBe($"mysaaschat-{target}");
    }

    [Fact]
    public void Port_can_be_overridden_and_is_checked()
    {
        Load(("PORT", "9000")).Port.ShouldBe(9000);
        Refused(("PORT", "70000")).Variable.ShouldBe("PORT");
        Refused(("PORT", "eighty")).Variable.ShouldBe("PORT");
    }

    [Fact]
    public void An_unknown_target_is_refused()
    {
        Refused(("TARGET", "payments")).Variable.ShouldBe("TARGET");
    }

    [Theory]
    [InlineData("not-a-url")]
    [InlineData("postgres://")]
    [InlineData("postgres://user:pw@db:5432/app?sslmode=sometimes")]
    [InlineData("mysql://user:pw@db/app")]
    public void A_bad_database_url_is_refused_naming_it(string url)
    {
        Refused(("DATABASE_URL", url)).Variable.ShouldBe("DATABASE_URL");
    }

    [Fact]
    public void A_postgres_url_becomes_a_connection_string()
    {
        var o = Load(("DATABASE_URL", "postgres://chat%40app:p%40ss:word@db.internal:6543/saas?sslmode=require"));
        o.Database.ShouldBe(DatabaseProvider.Postgres);
        var b = new NpgsqlConnectionStringBuilder(o.PostgresConnectionString);
        b.Host.ShouldBe("db.internal");
        b.Port.ShouldBe(6543);
        b.Username.ShouldBe("chat@app");
        b.Password.ShouldBe("p@ss:word");
        b.Database.ShouldBe("saas");
        b.SslMode.ShouldBe(SslMode.Require);
    }

    [Fact]
    public void Postgres_parts_are_used_when_there_is_no_database_url()
    {
        var o = Load(("POSTGRES_HOST", "pg"), ("POSTGRES_PASSWORD", "secret"), ("POSTGRES_DB", "chat"));
        var b = new NpgsqlConnectionStringBuilder(o.PostgresConnectionString);
        (b.Host, b.Port, b.Username, b.Database).ShouldBe(("pg", 5432, "postgres", "chat"));
        o.DatabaseVariable.ShouldBe("POSTGRES_HOST");
    }

    [Fact]
    public void Redis_urls_carry_password_database_and_tls()
    {
        var o = Load(("REDIS_URL", "rediss://:s3cret@cache:6380/2"));
        o.Redis!.Password.ShouldBe("s3cret");
        o.Redis.Ssl.ShouldBeTrue();
        o.Redis.DefaultDatabase.ShouldBe(2);
        o.Redis.EndPoints.Single().ToString().ShouldBe("Unspecified/cache:6380");
        Load(("REDIS_URL", "cache:6379"), ("REDIS_PASSWORD", "pw")).Redis!.Password.ShouldBe("pw");
        Refused(("REDIS_URL", "redis://cache:6379/x")).Variable.ShouldBe("REDIS_URL");
    }

    [Fact]
    public void Other_bad_values_name_their_variable()
    {
        Refused(("RABBITMQ_URL", "http://rabbit")).Variable.ShouldBe("RABBITMQ_URL");
        Refused(("LOG_LEVEL", "loud")).Variable.ShouldBe("LOG_LEVEL");
        Refused(("CORS_ORIGIN", "*"), ("CORS_CREDENTIALS", "true")).Variable.ShouldBe("CORS_ORIGIN");
        Refused(("CORS_ORIGIN", "app.example.com")).Variable.ShouldBe("CORS_ORIGIN");
        Refused(("RATE_LIMIT_MAX_REQUESTS", "0")).Variable.ShouldBe("RATE_LIMIT_MAX_REQUESTS");
        Refused(("MAINTENANCE_MODE", "perhaps")).Variable.ShouldBe("MAINTENANCE_MODE");
        Refused(("MAX_REQUEST_BODY_SIZE", "big")).Variable.ShouldBe("MAX_REQUEST_BODY_SIZE");
        Refused(("SENTRY_DSN", "not a dsn")).Variable.ShouldBe("SENTRY_DSN");
    }

    [Fact]
    public void Jaeger_agent_host_maps_to_its_otlp_endpoint()
    {
        Load(("JAEGER_AGENT_HOST", "jaeger")).OtlpEndpoint.ShouldBe("http://jaeger:4317");
        Load(("JAEGER_AGENT_HOST", "jaeger"), ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317")).OtlpEndpoint.ShouldBe("http://collector:4317");
    }

    [Fact]
    public void Durations_and_sizes_read_as_people_write_them()
    {
        var s = new Settings(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["A"] = "15m", ["B"] = "7d", ["C"] = "3600", ["D"] = "10mb", ["E"] = "-5m",
        }).Build());
        s.Duration("A", TimeSpan.Zero).ShouldBe(TimeSpan.FromMinutes(15));
        s.Duration("B", TimeSpan.Zero).ShouldBe(TimeSpan.FromDays(7));
        s.Duration("C", TimeSpan.Zero).ShouldBe(TimeSpan.FromHours(1));
        s.Size("D", 0).ShouldBe(10 * 1024 * 1024);
        Should.Throw<SettingsException>(() => s.Duration("E", TimeSpan.Zero)).Variable.ShouldBe("E");
    }
}
