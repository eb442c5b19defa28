/*
 * A Kafka-protocol server for spate's tests: librdkafka's mock cluster
 * (rdkafka_mock.h; not Apache Kafka). Started by test/support/kafka-mock.ts.
 *
 *   kafka-mock [brokers]     (default 1 broker)
 *
 * Prints "BOOTSTRAP <host:port,...>" once the listeners are up, then reads
 * one command per line on stdin and answers each with "OK" or "ERR <text>":
 *
 *   create <topic> <partitions>   rd_kafka_mock_topic_create (the mock has no CreateTopics API)
 *   error <topic> <code>          rd_kafka_mock_topic_set_error: Metadata answers <code> for the
 *                                 topic (3 = UNKNOWN_TOPIC_OR_PARTITION: the topic looks deleted; 0 = back)
 *   down <broker|-1>              rd_kafka_mock_broker_set_down: connections cut, new ones refused
 *   up <broker|-1>                rd_kafka_mock_broker_set_up
 *   quit                          exits
 *
 * End of input (the parent died or closed the pipe) exits too, so a test
 * that crashes never leaves a server behind.
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reply(rd_kafka_resp_err_t err) {
  if (err) printf("ERR %s\n", rd_kafka_err2str(err));
  else printf("OK\n");
  fflush(stdout);
}

int main(int argc, char **argv) {
  int brokers = argc > 1 ? atoi(argv[1]) : 1;
  char errstr[512], line[1024], name[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!rk) { fprintf(stderr, "kafka-mock: %s\n", errstr); return 1; }
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers < 1 ? 1 : brokers);
  if (!mc) { fprintf(stderr, "kafka-mock: rd_kafka_mock_cluster_new failed\n"); return 1; }
  printf("BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);

  while (fgets(line, sizeof(line), stdin)) {
    long a = 0;
    if (sscanf(line, "create %511s %ld", name, &a) == 2) {
      reply(rd_kafka_mock_topic_create(mc, name, (int)a, 1));
    } else if (sscanf(line, "error %511s %ld", name, &a) == 2) {
      rd_kafka_mock_topic_set_error(mc, name, (rd_kafka_resp_err_t)a);
      reply(RD_KAFKA_RESP_ERR_NO_ERROR);
    } else if (sscanf(line, "down %ld", &a) == 1) {
      reply(rd_kafka_mock_broker_set_down(mc, (int32_t)a));
    } else if (sscanf(line, "up %ld", &a) == 1) {
      reply(rd_kafka_mock_broker_set_up(mc, (int32_t)a));
    } else if (strncmp(line, "quit", 4) == 0) {
      break;
    } else {
      printf("ERR unknown command\n");
      fflush(stdout);
    }
  }
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
