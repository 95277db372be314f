import { Injectable } from '@nestjs/common';

/** The time as the server reads it: one place, so that specs can move it (webhook retries). */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
